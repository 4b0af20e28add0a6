// What the console's modules share, and nothing else: who is looking and where the actuator is (set once, from
// GET me, before the first read), and which canaries exist (written by the canaries section, read by the flags
// section, which lists a canary's own state flag under Canaries). Each section keeps its own view state to itself.

const session = {name: null, canWrite: false, actuator: '/actuator', pollMillis: 5000};
let canaryNames = new Set();
let releaseNames = new Set();

/** Takes the answer of GET me; the page calls it once, before the first read. */
export function startSession(me) {
  session.name = me.name;
  session.canWrite = me.canWrite === true;
  session.actuator = me.actuator;
  session.pollMillis = Math.max(500, me.pollMillis || 5000);
}

export function userName() {
  return session.name;
}

/** Whether the user may change anything; the actuator enforces it, the page only mirrors it. */
export function canWrite() {
  return session.canWrite;
}

/** The actuator's base path, with the context path. */
export function actuator() {
  return session.actuator;
}

/** How often the page reads the endpoints again, in milliseconds (at least 500). */
export function pollMillis() {
  return session.pollMillis;
}

export function setCanaryNames(names) {
  canaryNames = new Set(names);
}

/** A canary's names, in the order the endpoint listed them (for comparing two states of the page). */
export function canaryNameList() {
  return [...canaryNames];
}

/** Whether a flag holds a canary's state ('canary.<name>' of a canary that exists). */
export function isCanaryFlag(key) {
  return key.startsWith('canary.') && canaryNames.has(key.substring('canary.'.length));
}

export function setReleaseNames(names) {
  releaseNames = new Set(names);
}

/** The release plans' names, in the order the endpoint listed them (for comparing two states of the page). */
export function releaseNameList() {
  return [...releaseNames];
}

/** Whether a flag holds a canary's or a release plan's state, which their own sections show. */
export function isStateFlag(key) {
  return isCanaryFlag(key)
    || (key.startsWith('release.') && releaseNames.has(key.substring('release.'.length)));
}
