export { renewSessionKey as GET } from "@/lib/session";
