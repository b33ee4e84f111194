"use server";

import { redirect } from "next/navigation";
import { SessionBudgetError, SessionTooLargeError } from "@/lib/session";
import { addMessage, getSession } from "@/lib/sessions";
import { stateAction } from "./form-action";
import { PARTS, type PartName } from "./parts";
import type { BuildState } from "./pc-builder/state";

function choice(formData: FormData, part: PartName): string | null {
  const value = formData.get(part);
  return typeof value === "string" && (PARTS[part] as readonly string[]).includes(value) ? value : null;
}

/**
 * The PC builder's "Save build": stores each chosen part, says so, and shows
 * the page again (post, redirect, get). A session too full to take the build
 * is told so on the form, and nothing is saved; so is a visitor over the
 * anonymous budget, or a store that is full.
 */
export const saveBuild = stateAction(async function saveBuild(_previous: BuildState, formData: FormData): Promise<BuildState> {
  const session = await getSession();
  try {
    for (const part of Object.keys(PARTS) as PartName[]) {
      const value = choice(formData, part);
      if (value) await session.set(part, value);
    }
    await addMessage(session, "success", "Build saved.");
    await session.save();
  } catch (error) {
    if (error instanceof SessionBudgetError) return { error: `The build was not saved: ${error.message}` };
    if (!(error instanceof SessionTooLargeError)) throw error;
    return { error: `The build was not saved: your session is too large (${error.message}). Clear some items on the playground first.` };
  }
  redirect("/");
});
