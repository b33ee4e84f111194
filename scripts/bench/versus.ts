// Ours against the Django reference (../shared/reference-django) at equal process counts, on
// /library and on / (the PC builder), by CPU time per request, in alternating rounds. Django's
// gunicorn answers `Connection: close`; the primary figures send `Connection: close` to both
// (each request opens a connection on both sides, as behind a proxy's default upstream), and the
// keep-alive figures beside them let ours keep its connections while Django still closes each.
import { djangoUnavailable, startDjango } from "./django";
import { bars, note, notes, report, skip } from "./figures";
import { sessionCookie } from "./http";
import { onNode, serverNode } from "./node";
import { alternateRounds, type Round, type Target } from "./rounds";
import { ensureBareBuild, ensureBuild, startBareNext, startServer, withServers, type Server } from "./servers";
import { tempDbFile } from "./store";
import { cpuAdvantage, describeSide, fmtSpread, median } from "./summary";
import type { ConnectionMode } from "./wrk";

export interface VersusPlan {
  rounds: number;
  seconds: number;
  processCounts: number[];
}

const MODES: ConnectionMode[] = ["close", "keep-alive"];
/** Django ÷ ours CPU per request on /library: issue 22's goal, by the servers' Node line. */
const libraryGoal = () => (serverNode().onCurrentLts ? 1.0 : 0.85);
/** `/` within 1.2 × Django's CPU per request. */
const HOME_GOAL = 1 / 1.2;

const target = (name: string, server: Server, path: string, cookie: string): Target => ({ name, url: server.url + path, headers: cookie ? { cookie } : {}, pid: server.pid });

function sides(label: string, entries: [string, Round[]][], plan: VersusPlan, mode: ConnectionMode): void {
  for (const [name, rounds] of entries) note(`${label}, ${name}: ${describeSide(rounds)}.`);
  notes.push(`${label}: ${plan.rounds} alternating rounds of ${plan.seconds} s per side, wrk -t2 -c10, ${mode === "close" ? "`Connection: close` sent to every side" : "keep-alive (gunicorn still closes each connection)"}.`);
}

const BARE_APP = "the bare Next app";
/** Where the bare app serves its 40-item page: at the path of each page of ours it stands beside. */
type BareAppPath = "/" | "/library";
/**
 * The bare Next app's 40-item page as a side, where it runs (one process each only: it runs one), at
 * the path of the page it stands beside: /library is one route segment deeper than /, and each
 * segment costs Next about a tenth of such a page (docs/DESIGN.md).
 */
const bareAppTargets = (bareApp: Server | undefined, path: BareAppPath): Target[] => (bareApp ? [target(BARE_APP, bareApp, path, "")] : []);
/** Its rounds as a side of the notes, where it ran. */
const bareAppSides = (app: Round[] | undefined): [string, Round[]][] => (app ? [[BARE_APP, app]] : []);

/**
 * Django's page ÷ the bare app's 40-item page at the same path (a root layout with a title; no session, database,
 * proxy or nav): the most that any Next page could reach against Django's here, not a like-for-like page.
 */
function besideBareApp(app: Round[] | undefined, django: Round[], page: BareAppPath, mode: ConnectionMode): string {
  if (!app) return "";
  const keepAlive = mode === "keep-alive" ? ", which keeps its connections where gunicorn closes each" : "";
  return `; Django's ${page} ÷ the bare Next 16 app's 40-item page at ${page} (scripts/bench/bare-next${keepAlive}): ${fmtSpread(cpuAdvantage(app, django))}`;
}

/**
 * /library against Django's, with the bare Next app's page beside them. Ours and Django stand at
 * the two ends of each round's order (a b c, c b a), so neither is measured twice in a row more often.
 */
async function library(ours: Server, django: Server, bareApp: Server | undefined, cookies: [string, string], processes: number, mode: ConnectionMode, plan: VersusPlan): Promise<void> {
  const label = onNode(`vs-django /library ${processes}×${processes} (${mode})`);
  // Ours counts every visit (checked each round); Django's read-modify-write of the session loses concurrent ones.
  const targets = [{ ...target("ours", ours, "/library", cookies[0]), countsVisits: true }, ...bareAppTargets(bareApp, "/library"), target("Django", django, "/library", cookies[1])];
  const rounds = await alternateRounds(label, targets, { ...plan, mode });
  const [o, d] = [rounds[0], rounds[rounds.length - 1]];
  const app = bareApp ? rounds[1] : undefined;
  const ratio = cpuAdvantage(o, d);
  const goal = mode === "close" ? { goal: `Django ÷ ours CPU/request ≥ ${libraryGoal().toFixed(2)} on Node ${serverNode().version}`, met: ratio.median >= libraryGoal() } : { goal: "beside the primary (close) figure" };
  report({ name: label, value: `${fmtSpread(ratio)}${besideBareApp(app, d, "/library", mode)}`, ...goal });
  sides(label, [[`ours (Node ${serverNode().version})`, o], ["Django", d], ...bareAppSides(app)], plan, mode);
  if (mode === "close") bars.push({ label: onNode(`/library, ours ×${processes}`), value: median(o.map((r) => r.cpuMsPerRequest)) }, { label: onNode(`/library, Django ×${processes} beside ours`), value: median(d.map((r) => r.cpuMsPerRequest)) });
}

/** `/` against Django's, with our bare page and the bare Next app's beside them; ours and Django at the ends, as on /library. */
async function home(ours: Server, django: Server, bareApp: Server | undefined, cookies: [string, string], processes: number, mode: ConnectionMode, plan: VersusPlan): Promise<void> {
  const label = onNode(`vs-django / ${processes}×${processes} (${mode})`);
  const targets = [target("ours", ours, "/", cookies[0]), target("the bare page", ours, "/bench/bare", cookies[0]), ...bareAppTargets(bareApp, "/"), target("Django", django, "/", cookies[1])];
  const rounds = await alternateRounds(label, targets, { ...plan, mode });
  const [o, bare, d] = [rounds[0], rounds[1], rounds[rounds.length - 1]];
  const app = bareApp ? rounds[2] : undefined;
  const ratio = cpuAdvantage(o, d);
  const floor = cpuAdvantage(bare, d);
  const goal = mode === "close" ? { goal: `Django ÷ ours ≥ ${HOME_GOAL.toFixed(2)} (within 1.2 ×), or the bare page beside it`, met: ratio.median >= HOME_GOAL } : { goal: "beside the primary (close) figure" };
  report({ name: label, value: `${fmtSpread(ratio)}; Django's / ÷ our bare page (/bench/bare, 40 items in our layout, two route segments down): ${fmtSpread(floor)}${besideBareApp(app, d, "/", mode)}`, ...goal });
  const floors: [string, Round[]][] = [["the bare page, ours", bare], ...bareAppSides(app)];
  sides(label, [[`ours (Node ${serverNode().version})`, o], ["Django", d], ...floors], plan, mode);
}

export async function djangoFigures(plan: VersusPlan): Promise<void> {
  const unavailable = djangoUnavailable();
  if (unavailable) {
    skip(`the Django comparison: ${unavailable}`);
    return;
  }
  ensureBuild();
  ensureBareBuild();
  for (const processes of plan.processCounts) {
    const starts = [
      () => startServer(4110 + processes, tempDbFile(`ours-${processes}`), processes),
      () => startDjango(4120 + processes, tempDbFile(`django-${processes}`), processes),
      // The bare app runs one process: beside one of each only.
      ...(processes === 1 ? [() => startBareNext(4130)] : []),
    ];
    await withServers(starts, async (servers) => {
      const [ours, django] = servers;
      const bareApp: Server | undefined = servers[2];
      const cookies: [string, string] = [await sessionCookie(ours.url), await sessionCookie(django.url)];
      for (const mode of MODES) {
        await library(ours, django, bareApp, cookies, processes, mode, plan);
        await home(ours, django, bareApp, cookies, processes, mode, plan);
      }
    });
  }
}
