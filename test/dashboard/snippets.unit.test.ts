// The instance page's connection snippets: the instance's URL, a placeholder where the key goes
// (never a key), and each client's own way of being configured.
import { describe, expect, it } from "vitest";
import { connectionSnippets, KEY_PLACEHOLDER } from "../../src/dashboard/client/snippets";

const URL = "https://gate.example.com/redis/rdb_0123456789abcdefghij";

describe("connection snippets", () => {
  it("offers Node, Python and curl, each naming the instance's URL", () => {
    const snippets = connectionSnippets(URL);
    expect(snippets.map((s) => s.label)).toEqual(["@upstash/redis (Node)", "upstash-redis (Python)", "curl"]);
    for (const { code } of snippets) expect(code).toContain(URL);
  });

  it("reads the key from REDISGATE_TOKEN and shows only a placeholder for it", () => {
    const [node, python, curl] = connectionSnippets(URL).map((s) => s.code);
    expect(node).toContain(`new Redis({ url: "${URL}", token: process.env.REDISGATE_TOKEN })`);
    expect(python).toContain(`redis = Redis(url="${URL}", token=os.environ["REDISGATE_TOKEN"])`);
    expect(curl).toBe(
      [
        `export REDISGATE_TOKEN='${KEY_PLACEHOLDER}'`,
        `curl -X POST ${URL} \\`,
        '  -H "Authorization: Bearer $REDISGATE_TOKEN" \\',
        `  -d '["SET", "greeting", "hello"]'`,
      ].join("\n"),
    );
    for (const code of [node, python, curl]) expect(code).not.toMatch(/rg_/);
  });

  it("quotes the URL as a string literal, so a quote in it cannot end the string", () => {
    const [node, python] = connectionSnippets('https://h/redis/"x').map((s) => s.code);
    expect(node).toContain('url: "https://h/redis/\\"x"');
    expect(python).toContain('url="https://h/redis/\\"x"');
  });
});
