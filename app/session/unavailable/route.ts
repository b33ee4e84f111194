export { storageUnavailable as GET } from "@/lib/session";
