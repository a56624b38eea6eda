// A system under test, as the generator sees it: where to connect, whom to connect as, which rooms.

export interface Rooms {
  /** The fan-out scenario's one room. */
  fanOut: number;
  /** The rooms scenario's rooms, one publisher each. */
  rooms: number[];
  /** The burst's room (nobody follows it). */
  burst: number;
  /** The room that the connects and idle-memory scenarios' connections follow. */
  idle: number;
}

export interface Target {
  name: string;
  /** The WebSocket endpoint, ws://127.0.0.1:<port>/ws. */
  url: string;
  /** The server process, for its RSS and CPU time. */
  pid: number;
  /** API tokens of different users, members of every room; the generator spreads its clients over them. */
  tokens: string[];
  /** Usernames the messages may mention (members of every room). */
  members: string[];
  rooms: Rooms;
}
