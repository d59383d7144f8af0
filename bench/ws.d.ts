// The part of the `ws` package's API bench/inspector.mjs uses (the package ships no types).
declare module "ws" {
  export default class WebSocket {
    constructor(url: string);
    once(event: "open", listener: () => void): this;
    once(event: "error", listener: (error: Error) => void): this;
    on(event: "message", listener: (data: unknown) => void): this;
    send(data: string): void;
    close(): void;
  }
}
