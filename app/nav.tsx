import Link from "next/link";

const LINKS = [
  ["/", "PC builder"],
  ["/library", "Library"],
  ["/setsession", "Set session"],
  ["/getsession", "Get session"],
  ["/greeting", "Greeting"],
  ["/login", "Login"],
  ["/account", "Account"],
  ["/playground", "Playground"],
] as const;

/**
 * Every page here shows one visitor's session, and some write while rendering
 * (a visit counter): a prefetched copy would be stale, and if the router reused
 * it, the visit would never reach the server. So no prefetching.
 */
export function Nav() {
  return (
    <nav aria-label="Demo pages">
      {LINKS.map(([href, label]) => (
        <Link key={href} href={href} prefetch={false}>
          {label}
        </Link>
      ))}
    </nav>
  );
}
