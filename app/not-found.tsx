import { headers } from "next/headers";
import { sessions } from "@/lib/sessions";
import { NoSessionData } from "./getsession/no-session-data";

/**
 * Unmatched URLs, and the pages the proxy found without their session data
 * (it rewrites those here, naming the page: see RequiredData). Rendered into
 * the server HTML, unlike a page's own notFound().
 */
export default async function NotFound() {
  if (sessions().missingDataPath(await headers()) === "/getsession") return <NoSessionData />;
  return <h1>Page not found</h1>;
}
