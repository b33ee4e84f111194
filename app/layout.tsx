import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Nav } from "./nav";
import "./globals.css";

export const metadata: Metadata = {
  title: "Django-grade sessions for Next.js",
  description: "The classic Django session tutorials, on Next.js with server-side sessions.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header>
          <Nav />
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
