import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { navigationUser } from "@/lib/auth/current-user";
import { ICON_HREF } from "./site-icon";
import { Nav } from "./nav";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Django-grade sessions for Next.js", template: "%s · Django-grade sessions" },
  description: "The classic Django session tutorials, on Next.js with server-side sessions.",
};

export const viewport: Viewport = {
  colorScheme: "light dark",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#0c4b33" },
    { media: "(prefers-color-scheme: dark)", color: "#0a2e20" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await navigationUser();
  return (
    <html lang="en">
      <body>
        {/* A plain link, which React hoists into <head>: as app/icon.svg, Next resolved the icon as metadata on every request (docs/DESIGN.md). */}
        <link rel="icon" href={ICON_HREF} type="image/svg+xml" sizes="any" />
        <header>
          <Nav username={user?.username ?? null} />
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
