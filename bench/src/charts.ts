/**
 * Charts as PNG files for RESULTS.md: a Vega-Lite spec is rendered to SVG by Vega (headless,
 * no canvas needed) and rasterised by resvg. Each function writes one PNG and resolves to
 * its path; the `*Spec` builders are pure and return the Vega-Lite spec, for tests.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export type Scale = "linear" | "log";

/** A horizontal (`y`) or vertical (`x`) reference line, e.g. a goal or a baseline. */
export interface Rule {
  axis: "x" | "y";
  value: number;
  label: string;
}

export interface Series {
  name: string;
  points: [number, number][];
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  xScale?: Scale;
  yScale?: Scale;
  rules?: Rule[];
  /** Draw a dot on every point (default: when a series has at most 60 points). */
  points?: boolean;
}

export interface HistogramSpec {
  title: string;
  xLabel: string;
  values: number[];
  /** Most bins (Vega-Lite picks round bin edges, so it may use fewer). */
  bins: number;
  yLabel?: string;
  rules?: Rule[];
}

export interface BarChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** One bar per category; bars sharing a category with different groups stand side by side. */
  bars: { category: string; group?: string; value: number }[];
  yScale?: Scale;
  rules?: Rule[];
}

const WIDTH = 640;
const HEIGHT = 320;
const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * Shared look. No background in the SVG: resvg paints it, after cropping what Vega leaves
 * empty (without a canvas Vega can only estimate text widths, and overestimates them).
 */
const CONFIG = {
  background: "transparent",
  padding: { left: 10, right: 40, top: 10, bottom: 10 },
  font: "DejaVu Sans",
  title: { fontSize: 15, anchor: "start" as const, offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: "bottom" as const, direction: "vertical" as const, columns: 1, labelLimit: 600 },
};

function finitePoints(points: [number, number][], xScale: Scale, yScale: Scale): [number, number][] {
  // A log scale has no place for zero or negatives: leave them out rather than fail.
  return points.filter(
    ([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (xScale !== "log" || x > 0) && (yScale !== "log" || y > 0),
  );
}

function ruleLayers(rules: Rule[] | undefined): object[] {
  return (rules ?? [])
    .filter((r) => Number.isFinite(r.value))
    .flatMap((r) => {
      const field = r.axis === "y" ? "y" : "x";
      const data = { values: [{ v: r.value, label: r.label }] };
      const encoding = { [field]: { field: "v", type: "quantitative" } };
      return [
        { data, mark: { type: "rule", strokeDash: [6, 4], color: "#666" }, encoding },
        {
          data,
          // A y rule is labelled at the left edge above the line, an x rule at the top.
          mark:
            r.axis === "y"
              ? { type: "text", align: "left", baseline: "bottom", x: 4, dy: -2, color: "#444", fontSize: 11 }
              : { type: "text", align: "left", baseline: "top", y: 2, dx: 4, color: "#444", fontSize: 11 },
          encoding: { ...encoding, text: { field: "label" } },
        },
      ];
    });
}

export function lineChartSpec(spec: LineChartSpec): TopLevelSpec {
  const xScale = spec.xScale ?? "linear";
  const yScale = spec.yScale ?? "linear";
  const values = spec.series.flatMap((s) =>
    finitePoints(s.points, xScale, yScale).map(([x, y]) => ({ series: s.name, x, y })),
  );
  const points = spec.points ?? spec.series.every((s) => s.points.length <= 60);
  // Whole-number x values (runs, viewers) get whole-number ticks.
  const integers = values.every((v) => Number.isInteger(v.x));
  const names = spec.series.map((s) => s.name);
  return {
    $schema: SCHEMA,
    title: spec.title,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: "line", point: points, strokeWidth: 2 },
        encoding: {
          x: {
            field: "x",
            type: "quantitative",
            title: spec.xLabel,
            scale: { type: xScale, ...(xScale === "log" ? {} : { zero: false }) },
            ...(integers ? { axis: { tickMinStep: 1, format: "d" } } : {}),
          },
          y: { field: "y", type: "quantitative", title: spec.yLabel, scale: yScale === "log" ? { type: "log" } : { type: "linear", zero: true } },
          color: { field: "series", type: "nominal", title: null, sort: names },
        },
      },
      ...ruleLayers(spec.rules),
    ],
  } as TopLevelSpec;
}

export function histogramSpec(spec: HistogramSpec): TopLevelSpec {
  const values = spec.values.filter(Number.isFinite).map((v) => ({ v }));
  return {
    $schema: SCHEMA,
    title: `${spec.title} (n = ${values.length})`,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: "bar", color: "#4c78a8" },
        encoding: {
          x: { field: "v", type: "quantitative", bin: { maxbins: Math.max(1, Math.round(spec.bins)) }, title: spec.xLabel },
          y: { aggregate: "count", type: "quantitative", title: spec.yLabel ?? "count" },
        },
      },
      ...ruleLayers(spec.rules),
    ],
  } as TopLevelSpec;
}

export function barChartSpec(spec: BarChartSpec): TopLevelSpec {
  const yScale = spec.yScale ?? "linear";
  const values = spec.bars
    .filter((b) => Number.isFinite(b.value) && (yScale !== "log" || b.value > 0))
    .map((b) => ({ category: b.category, group: b.group ?? "", value: b.value }));
  const grouped = values.some((v) => v.group !== "");
  const categories = [...new Set(values.map((v) => v.category))];
  const groups = [...new Set(values.map((v) => v.group))];
  return {
    $schema: SCHEMA,
    title: spec.title,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: "bar" },
        encoding: {
          x: { field: "category", type: "nominal", title: spec.xLabel, sort: categories, axis: { labelAngle: 0 } },
          y: { field: "value", type: "quantitative", title: spec.yLabel, scale: { type: yScale } },
          ...(grouped ? { xOffset: { field: "group", sort: groups }, color: { field: "group", type: "nominal", title: null, sort: groups } } : {}),
        },
      },
      ...ruleLayers(spec.rules),
    ],
  } as TopLevelSpec;
}

/** Vega-Lite spec -> SVG text (Vega's headless SVG renderer). */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises a Vega-Lite spec to a PNG file at twice the nominal size (sharp on HiDPI screens). */
export async function renderPng(file: string, spec: TopLevelSpec): Promise<string> {
  const svg = await toSvg(spec);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: 2 },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  const content = resvg.getBBox();
  if (content) {
    // Keep the top left (Vega's padding); trim the right and bottom to the drawing plus a margin.
    const margin = 12;
    const right = Math.min(resvg.width, content.x + content.width + margin);
    const bottom = Math.min(resvg.height, content.y + content.height + margin);
    // napi wants its own BBox object back.
    content.x = 0;
    content.y = 0;
    content.width = right;
    content.height = bottom;
    resvg.cropByBBox(content);
  }
  const png = resvg.render().asPng();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, png);
  return file;
}

export function lineChart(file: string, spec: LineChartSpec): Promise<string> {
  return renderPng(file, lineChartSpec(spec));
}

export function histogram(file: string, spec: HistogramSpec): Promise<string> {
  return renderPng(file, histogramSpec(spec));
}

export function barChart(file: string, spec: BarChartSpec): Promise<string> {
  return renderPng(file, barChartSpec(spec));
}
