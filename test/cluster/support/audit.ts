/**
 * The apiserver's audit log (JSON lines, Metadata level, ResponseComplete stage): the ground
 * truth of who sent which request, independent of what a client reports about itself.
 */
import { existsSync, readFileSync } from "node:fs";

export interface AuditEvent {
  user: string;
  verb: string;
  uri: string;
  resource?: string;
  subresource?: string;
  code?: number;
  /** ms since epoch of the request */
  time: number;
}

interface RawEvent {
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string };
  responseStatus?: { code?: number };
  requestReceivedTimestamp: string;
}

export function auditEvents(path: string): AuditEvent[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RawEvent)
    .filter((event) => event.stage === "ResponseComplete")
    .map((event) => ({
      user: event.user.username,
      verb: event.verb,
      uri: event.requestURI,
      resource: event.objectRef?.resource,
      subresource: event.objectRef?.subresource,
      code: event.responseStatus?.code,
      time: Date.parse(event.requestReceivedTimestamp),
    }));
}

const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);

export function isWrite(event: AuditEvent): boolean {
  return WRITE_VERBS.has(event.verb);
}
