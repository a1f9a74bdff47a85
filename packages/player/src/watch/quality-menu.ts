import { el, setText } from "../shared/dom";
import { levelLabel, menuOrder, shortLevelLabel, type LevelInfo } from "./level-label";

export interface QualityView {
  levels: readonly LevelInfo[];
  /** hls.js chooses the level. */
  autoLevel: boolean;
  /** Index of the level playing now (-1: none yet). */
  currentLevel: number;
}

/** Value of the "Auto" entry; the others are level indices. */
const AUTO = "-1";

/** Text of the "Auto" entry: shows what Auto is playing now ("Auto · 720p"). */
export function autoLabel(view: QualityView): string {
  const playing = view.autoLevel ? shortLevelLabel(view.levels[view.currentLevel]) : null;
  return playing === null ? "Auto" : `Auto · ${playing}`;
}

/**
 * The quality menu: a native `<select>` (keyboard and screen-reader friendly, and the
 * system picker on phones) with "Auto" and each level, highest first.
 */
export class QualityMenu {
  readonly #select: HTMLSelectElement;
  readonly #auto: HTMLOptionElement;
  #levelsKey = "";

  constructor(select: HTMLSelectElement, onSelect: (levelIndex: number) => void) {
    this.#select = select;
    this.#auto = el("option", { value: AUTO }, "Auto");
    select.replaceChildren(this.#auto);
    select.disabled = true;
    select.addEventListener("change", () => {
      const index = Number.parseInt(select.value, 10);
      onSelect(Number.isInteger(index) ? index : -1);
    });
  }

  render(view: QualityView): void {
    const key = view.levels.map((level) => `${level.index}:${level.height}:${level.bitrate}`).join(",");
    if (key !== this.#levelsKey) {
      this.#levelsKey = key;
      const options = menuOrder(view.levels).map((level) =>
        el("option", { value: String(level.index) }, levelLabel(level, view.levels)),
      );
      this.#select.replaceChildren(this.#auto, ...options);
      this.#select.disabled = view.levels.length < 2;
    }
    setText(this.#auto, autoLabel(view));
    const selected = view.autoLevel ? AUTO : String(view.currentLevel);
    // Leave the select alone while a manual switch is still on its way.
    if (view.autoLevel || view.currentLevel >= 0) {
      if (this.#select.value !== selected) this.#select.value = selected;
    }
  }
}
