/** The Markdown table of a benchmark's figures, as RESULTS.md shows them. */
import type { Figure } from "./types.js";

/**
 * A number as a person reads it: 3 significant digits (more for large integers, which
 * keep every digit and get thousands separators), no exponent in the usual ranges,
 * "n/a" for a value that was not measured (NaN, infinite).
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString("en-US");
  if (magnitude < 0.001) return value.toExponential(2);
  // toPrecision then Number: 3 significant digits without trailing zeros ("2.50" -> "2.5").
  return String(Number(value.toPrecision(3)));
}

/** A table cell: no line breaks, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

const HEADER = ["figure", "value", "unit", "baseline (same run)", "ratio", "goal", "met?"];

export function figureRow(f: Figure): string[] {
  const baseline = f.baseline ? `${f.baseline.label}: ${formatNumber(f.baseline.value)}` : "";
  const ratio = f.ratio === undefined ? "" : formatNumber(f.ratio);
  const goal = f.goal?.text ?? "";
  const met = f.goal === undefined ? "" : f.goal.met ? "yes" : "**no**";
  return [f.label, formatNumber(f.value), f.unit, baseline, ratio, goal, met];
}

/** The figures as a GitHub-flavoured Markdown table (no trailing newline). */
export function figureTable(figures: readonly Figure[]): string {
  if (figures.length === 0) return "_No figures were produced._";
  const rows = [HEADER, HEADER.map(() => "---"), ...figures.map(figureRow)];
  return rows.map((row) => `| ${row.map(cell).join(" | ")} |`).join("\n");
}
