"use server";
import { sessions } from "@/lib/sessions";

/** Keeps the visitor's note in the session (a server action writes, then saves). */
export async function saveNote(form: FormData) {
  const session = await sessions().getSession();
  await session.set("note", String(form.get("note") ?? "").slice(0, 200));
  await session.save();
}

/** Signs out: the data goes, and the browser gets a new key (the old one can never be used again). */
export async function signOut() {
  const session = await sessions().getSession();
  await session.clear();
  await session.cycleKey();
  await session.save();
}
