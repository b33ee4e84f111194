import { NoSessionData } from "./no-session-data";

/** Shown by the page's own notFound() (client navigations, where the proxy did not run). */
export default NoSessionData;
