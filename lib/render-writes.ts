import { SessionTooLargeError, SessionValueError, type RenderWrite, type RequiredData, type Session } from "@/lib/session";

const VISITS = "num_visits";

/** The visit count, as a number whatever a client stored under the key. */
async function visits(session: Session): Promise<number> {
  const count: unknown = await session.get(VISITS, 0);
  return typeof count === "number" ? count : 0;
}

/** /library: count this visit. A value that cannot be counted on (not a whole number, or at the limit) starts again at 1. */
export const countVisit: RenderWrite<number> = {
  path: "/library",
  write: async (session) => {
    try {
      return await session.increment(VISITS);
    } catch (error) {
      if (error instanceof SessionTooLargeError) return visits(session); // a full session: shown, not counted
      if (!(error instanceof SessionValueError)) throw error;
      await session.set(VISITS, 1);
      return 1;
    }
  },
  read: visits,
};

/** /setsession: the Django tutorial's two values. */
export const setTutorialValues: RenderWrite<void> = {
  path: "/setsession",
  write: (session) => session.update({ sname: "abc", semail: "abc@gmail.com" }),
  read: async () => {},
};

/** /greeting: store the greeting, show what is stored. */
export const storeGreeting: RenderWrite<string | undefined> = {
  path: "/greeting",
  write: async (session) => (await session.set("greeting", "Hello, Django Sessions!"), session.get("greeting")),
  read: (session) => session.get("greeting"),
};

/** /getsession answers 404 until /setsession stored both values. */
export const tutorialValuesRequired: RequiredData = { path: "/getsession", keys: ["sname", "semail"] };

/** Every page that needs session data to answer 200. */
export const requiredData = [tutorialValuesRequired];

/** Every page's render-time write, for the proxy to run where the engine needs it there. */
export const renderWrites = [countVisit, setTutorialValues, storeGreeting];
