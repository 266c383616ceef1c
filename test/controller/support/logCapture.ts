/** A pino destination that keeps parsed log lines, for assertions on the audit trail. */
import { Writable } from "node:stream";

export interface LogLine {
  level: number;
  msg: string;
  audit?: boolean;
  decision?: string;
  reason?: string;
  actor?: string;
  rollout?: string;
  metrics?: Array<{ metric: string; phase: string; value?: number; message?: string }>;
  [field: string]: unknown;
}

export class LogCapture extends Writable {
  readonly lines: LogLine[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const text of chunk.toString("utf8").split("\n")) {
      if (text.trim()) this.lines.push(JSON.parse(text) as LogLine);
    }
    callback();
  }

  audit(decision?: string): LogLine[] {
    return this.lines.filter(
      (line) => line.audit === true && (decision === undefined || line.decision === decision),
    );
  }
}
