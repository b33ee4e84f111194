import { sessions } from "@/lib/sessions";
export const GET = (request: Request) => sessions().unavailableRoute(request);
