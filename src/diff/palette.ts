/** Colour for terminals, plain text for files and PR comments (and whenever NO_COLOR is set). */

export interface Palette {
  heading(text: string): string;
  added(text: string): string;
  removed(text: string): string;
  changed(text: string): string;
  dim(text: string): string;
}

const identity = (text: string) => text;
export const PLAIN: Palette = {
  heading: identity,
  added: identity,
  removed: identity,
  changed: identity,
  dim: identity,
};

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
export const ANSI: Palette = {
  heading: ansi(1, 22),
  added: ansi(32, 39),
  removed: ansi(31, 39),
  changed: ansi(33, 39),
  dim: ansi(2, 22),
};

export type ColorMode = "auto" | "always" | "never";

export function paletteFor(mode: ColorMode, isTty: boolean, env: NodeJS.ProcessEnv = process.env): Palette {
  if (mode === "always") return ANSI;
  if (mode === "never") return PLAIN;
  if (env.NO_COLOR) return PLAIN;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return ANSI;
  return isTty ? ANSI : PLAIN;
}
