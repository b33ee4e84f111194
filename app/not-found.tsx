import { headers } from "next/headers";
import { MISSING_DATA_HEADER } from "@/lib/session";
import { NoSessionData } from "./getsession/no-session-data";

/**
 * Unmatched URLs, and the pages the proxy found without their session data
 * (it rewrites those here, naming the page: see RequiredData). Rendered into
 * the server HTML, unlike a page's own notFound().
 */
export default async function NotFound() {
  if ((await headers()).get(MISSING_DATA_HEADER) === "/getsession") return <NoSessionData />;
  return <h1>Page not found</h1>;
}
