import "@/lib/session";

// The demo app's session keys, declared once: `get("num_visits")` is a number to the compiler.
declare module "@/lib/session" {
  interface SessionData {
    cpu?: string;
    gpu?: string;
    ram?: string;
    num_visits?: number;
    sname?: string;
    semail?: string;
    greeting?: string;
  }
}
