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

export function Nav() {
  return (
    <nav aria-label="Demo pages">
      {LINKS.map(([href, label]) => (
        <Link key={href} href={href}>
          {label}
        </Link>
      ))}
    </nav>
  );
}
