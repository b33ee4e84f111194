"use server";

import { getSession } from "@/lib/sessions";
import { PARTS, type PartName } from "./parts";

function choice(formData: FormData, part: PartName): string | null {
  const value = formData.get(part);
  return typeof value === "string" && (PARTS[part] as readonly string[]).includes(value) ? value : null;
}

/** The PC builder's "Save build": stores each chosen part. */
export async function saveBuild(formData: FormData): Promise<void> {
  const session = await getSession();
  for (const part of Object.keys(PARTS) as PartName[]) {
    const value = choice(formData, part);
    if (value) await session.set(part, value);
  }
  await session.save();
}
