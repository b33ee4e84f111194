import Link from "next/link";
import { getSession } from "@/lib/sessions";
import { Messages } from "./messages";
import { BuildForm } from "./pc-builder/build-form";
import { LABELS, PARTS, type PartName } from "./parts";
import { shownText } from "./shown";

/** Each demo page and the Django tutorial it reproduces. */
const TOUR: [string, string, string][] = [
  ["/", "PC builder", "a form whose choices live in the session, Django's classic \"shopping cart\" pattern."],
  ["/library", "Library", "MDN's LocalLibrary tutorial, part 7 (\"Sessions framework\"): a visit counter."],
  ["/setsession", "Set session", "javaTpoint's \"Django Session\": store two values…"],
  ["/getsession", "Get session", "…and read them back (404 until they are set)."],
  ["/greeting", "Greeting", "the smallest example: store one value, show it."],
  ["/login", "Sign in", "a login that rotates the key (Django's cycle_key) and stores the user under reserved keys; then your account, devices and password."],
  ["/playground", "Playground", "every method of Django's SessionBase, one button each."],
];

export default async function PcBuilderPage() {
  const session = await getSession();
  const parts = Object.keys(PARTS) as PartName[];
  const shown: Record<PartName, string | undefined> = { cpu: shownText(await session.get("cpu")), gpu: shownText(await session.get("gpu")), ram: shownText(await session.get("ram")) };
  // A stored value the select does not offer (written through the API) leaves the select at its first option.
  const saved = Object.fromEntries(parts.map((part) => [part, (PARTS[part] as readonly string[]).find((option) => option === shown[part]) ?? PARTS[part][0]])) as Record<PartName, string>;
  return (
    <>
      <h1>PC builder</h1>
      <Messages />
      <p className="lead">
        Django-grade sessions for Next.js: your choices below are kept on the server, in a libSQL table; your browser holds only a sealed,
        random key in an HTTP-only cookie.
      </p>
      <ul className="build">
        {parts.map((part) => (
          <li key={part}>
            {LABELS[part]}: {shown[part] ?? `${LABELS[part]} not selected`}
          </li>
        ))}
      </ul>
      <BuildForm saved={saved} />
      <section aria-labelledby="tour-heading" className="tour">
        <h2 id="tour-heading">The demo pages</h2>
        <p>Each reproduces a classic Django session tutorial, with the same texts:</p>
        <dl>
          {TOUR.map(([href, name, what]) => (
            <div key={href}>
              <dt>
                <Link href={href} prefetch={false}>
                  {name}
                </Link>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}
