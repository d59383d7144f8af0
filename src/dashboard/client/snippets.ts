// The code an instance's page offers to copy: curl, @upstash/redis (Node) and upstash-redis
// (Python), with the instance's REST URL and an environment variable for the key. Pure: a real key
// never appears here (keys are shown once, on the keys page), only the placeholder below.

/** What the snippets put where a key goes. */
export const KEY_PLACEHOLDER = "<an API key from the API keys page>";

export type Snippet = { label: string; code: string };

/** The snippets that connect to the instance at `restUrl`, in the order the page shows them. */
export function connectionSnippets(restUrl: string): Snippet[] {
  const url = JSON.stringify(restUrl);
  const node = [
    "// npm i @upstash/redis",
    'import { Redis } from "@upstash/redis";',
    "",
    `const redis = new Redis({ url: ${url}, token: process.env.REDISGATE_TOKEN });`,
    'await redis.set("greeting", "hello");',
    'console.log(await redis.get("greeting"));',
  ].join("\n");
  const python = [
    "# pip install upstash-redis",
    "import os",
    "from upstash_redis import Redis",
    "",
    `redis = Redis(url=${url}, token=os.environ["REDISGATE_TOKEN"])`,
    'redis.set("greeting", "hello")',
    'print(redis.get("greeting"))',
  ].join("\n");
  const curl = [
    `export REDISGATE_TOKEN='${KEY_PLACEHOLDER}'`,
    `curl -X POST ${restUrl} \\`,
    '  -H "Authorization: Bearer $REDISGATE_TOKEN" \\',
    `  -d '["SET", "greeting", "hello"]'`,
  ].join("\n");
  return [
    { label: "@upstash/redis (Node)", code: node },
    { label: "upstash-redis (Python)", code: python },
    { label: "curl", code: curl },
  ];
}
