import { connection } from "next/server";
import { sessions } from "@/lib/sessions";
export const GET = async (request: Request) => (await connection(), sessions().renewRoute(request));
