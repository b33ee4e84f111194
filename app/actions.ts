"use server";

import { redirect } from "next/navigation";
import { addMessage, getSession } from "@/lib/sessions";
import { PARTS, type PartName } from "./parts";

function choice(formData: FormData, part: PartName): string | null {
  const value = formData.get(part);
  return typeof value === "string" && (PARTS[part] as readonly string[]).includes(value) ? value : null;
}

/** The PC builder's "Save build": stores each chosen part, says so, and shows the page again (post, redirect, get). */
export async function saveBuild(formData: FormData): Promise<void> {
  const session = await getSession();
  for (const part of Object.keys(PARTS) as PartName[]) {
    const value = choice(formData, part);
    if (value) await session.set(part, value);
  }
  await addMessage(session, "success", "Build saved.");
  await session.save();
  redirect("/");
}
