// Which transcript turn is being played: the last turn that started at or before `time` and has
// not ended yet (turns are sorted by start). Between turns nothing is highlighted.

export function activeTurn(turns, time) {
  let low = 0;
  let high = turns.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (turns[middle].start <= time) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found >= 0 && time < turns[found].end ? found : -1;
}
