/** Inline SVG icons (24×24, currentColor), drawn for this project. */

const SVG_NS = "http://www.w3.org/2000/svg";

const PATHS = {
  play: { fill: "M8 5.5v13a.5.5 0 0 0 .77.42l10.2-6.5a.5.5 0 0 0 0-.84L8.77 5.08A.5.5 0 0 0 8 5.5z" },
  pause: { fill: "M6.5 5h3.5v14H6.5zM14 5h3.5v14H14z" },
  volumeOff: { fill: "M4 9.5v5h3.5L12 18.5v-13L7.5 9.5z", stroke: "M16 9.5l5 5M21 9.5l-5 5" },
  volumeOn: { fill: "M4 9.5v5h3.5L12 18.5v-13L7.5 9.5z", stroke: "M15.5 9a4 4 0 0 1 0 6M18 6.5a7.5 7.5 0 0 1 0 11" },
  fullscreen: { stroke: "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" },
  exitFullscreen: { stroke: "M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5" },
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "22");
  svg.setAttribute("height", "22");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const shape: { fill?: string; stroke?: string } = PATHS[name];
  if (shape.fill !== undefined) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", shape.fill);
    path.setAttribute("fill", "currentColor");
    svg.append(path);
  }
  if (shape.stroke !== undefined) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", shape.stroke);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
  }
  return svg;
}
