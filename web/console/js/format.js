// Display formats: times in the viewer's locale, durations as m:ss, states in words.

export function dateTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function clock(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return "—";
  const total = Math.max(0, Math.round(Number(seconds)));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

const STATES = {
  not_started: "not started",
  recording: "recording",
  paused: "paused",
  stopped: "stopped",
  failed: "failed",
};

export function recordingState(state) {
  return STATES[state] || state || "unknown";
}

export const RECORDING_STATES = Object.keys(STATES);

export function party(speaker) {
  return speaker === "owner" ? "Owner" : "Other party";
}

export function direction(value) {
  return value === "inbound" ? "Inbound" : value === "outbound" ? "Outbound" : value || "—";
}

export function sentimentScore(score) {
  if (score === null || score === undefined) return "—";
  return Number(score).toFixed(1);
}
