import type { RenderWrite } from "@/lib/session";

/** /library: count this visit. */
export const countVisit: RenderWrite<number> = {
  path: "/library",
  write: (session) => session.increment("num_visits"),
  read: (session) => session.get("num_visits", 0),
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

/** Every page's render-time write, for the proxy to run where the engine needs it there. */
export const renderWrites = [countVisit, setTutorialValues, storeGreeting];
