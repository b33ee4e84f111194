/** What the build form shows after a refused save (kept out of actions.ts: a "use server" file exports only functions). */
export interface BuildState {
  error: string | null;
}

export const INITIAL_BUILD_STATE: BuildState = { error: null };
