import type { NextRequest } from "next/server";
import { sessions } from "@/lib/sessions";

export const proxy = (request: NextRequest) => sessions().proxy(request);
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|session/|api/).*)"] };
