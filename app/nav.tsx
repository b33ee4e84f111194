"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const PAGES = [
  ["/", "PC builder"],
  ["/library", "Library"],
  ["/setsession", "Set session"],
  ["/getsession", "Get session"],
  ["/greeting", "Greeting"],
  ["/playground", "Playground"],
] as const;

function isCurrent(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

/**
 * Every page here shows one visitor's session, and some write while rendering
 * (a visit counter): a prefetched copy would be stale, and if the router reused
 * it, the visit would never reach the server. So no prefetching.
 * The last link is "Sign in", or the signed-in user's account.
 */
export function Nav({ username }: { username: string | null }) {
  const pathname = usePathname();
  const links: (readonly [string, string])[] = [...PAGES, username ? ["/account", username] : ["/login", "Sign in"]];
  return (
    <nav aria-label="Demo pages">
      {links.map(([href, label]) => (
        <Link
          key={href}
          href={href}
          prefetch={false}
          aria-current={isCurrent(pathname, href) ? "page" : undefined}
          className={href === "/account" || href === "/login" ? "account-link" : undefined}
        >
          {href === "/account" ? <span className="visually-hidden">Account: </span> : null}
          {label}
        </Link>
      ))}
    </nav>
  );
}
