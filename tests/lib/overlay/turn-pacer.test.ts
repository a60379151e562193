import { describe, expect, it } from 'vitest';
import { TurnPacer } from '../../../lib/overlay/overlay';

/** Feeds the pacer animation frames starting at these times; what each frame may place. */
function turns(pacer: TurnPacer, frameStarts: number[]): number[] {
  return frameStarts.map((at) => pacer.turn(at));
}

/** Frame start times, each the given gap after the one before. */
function frames(from: number, gaps: number[]): number[] {
  const starts = [from];
  for (const gap of gaps) starts.push(starts.at(-1)! + gap);
  return starts;
}

describe('the pace of badges after the first screen', () => {
  it('measures one frame first, then places a turn once the frames come at 60 a second', () => {
    const pacer = new TurnPacer();
    expect(turns(pacer, frames(1000, [16.7]))).toEqual([0, 10]);
  });

  it('grows the turn after every short frame it went into, up to 40', () => {
    const pacer = new TurnPacer();
    expect(turns(pacer, frames(0, [16.7, 16.7, 16.7, 16.7, 16.7, 16.7]))).toEqual([0, 10, 15, 23, 35, 40, 40]);
  });

  it('halves the turn after a frame it made long, never below 2', () => {
    const pacer = new TurnPacer();
    expect(turns(pacer, frames(0, [16.7, 16.7, 60, 60, 60, 60, 60]))).toEqual([0, 10, 15, 7, 3, 2, 2, 2]);
  });

  it('keeps the size after a frame of middling length', () => {
    const pacer = new TurnPacer();
    expect(turns(pacer, frames(0, [16.7, 25, 30]))).toEqual([0, 10, 10, 10]);
  });

  it('waits while the page is still busy painting rows of its own, and goes in once frames are short again', () => {
    // After 500 new rows the frames come 33–50 ms apart while they are rastered.
    const pacer = new TurnPacer();
    expect(turns(pacer, frames(0, [50, 45, 33.4, 16.7]))).toEqual([0, 0, 0, 10, 15]);
  });

  it('goes in anyway after twelve frames when the page never calms down', () => {
    const pacer = new TurnPacer();
    const placed = turns(pacer, frames(0, Array.from({ length: 20 }, () => 50)));
    expect(placed.slice(0, 12)).toEqual(Array.from({ length: 12 }, () => 0));
    // From then on every turn goes in, halving after each long frame it made.
    expect(placed.slice(12)).toEqual([10, 5, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('measures afresh after a rest, keeping the size it had learnt: the time since the last turn says nothing of the frames', () => {
    const pacer = new TurnPacer();
    turns(pacer, frames(0, [16.7, 16.7]));
    pacer.rest();
    expect(turns(pacer, [5000, 5016.7])).toEqual([0, 15]);
  });

  it('starts again, small, once the page has scrolled: the frames before say nothing of those after', () => {
    const pacer = new TurnPacer();
    turns(pacer, frames(0, [16.7, 16.7, 16.7, 16.7]));
    pacer.forget();
    expect(turns(pacer, frames(5000, [16.7, 16.7, 16.7]))).toEqual([0, 4, 6, 9]);
  });
});
