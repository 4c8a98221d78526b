/** The built app as a real child process, and one request to it: shared with the crash suite (scripts/). */
export { callServer, ServerProcess, startServerProcess } from '../../scripts/server-process';
