// How api-types.ts matches a method and a path to a route's body: checked by the compiler (the
// typecheck of the tests), the runtime assertions are trivial.
import { describe, expectTypeOf, it } from "vitest";
import type { PublicAuditEntry } from "../../src/services/audit";
import type { PublicMember } from "../../src/services/members";
import type { OrganizationDetail } from "../../src/services/organizations";
import type { Paged, Reply, ResponseOf, RestBatch, RestReply, Unmapped } from "./api-types";

describe("ResponseOf", () => {
  it("matches a :param to one non-empty segment, and literal segments exactly", () => {
    expectTypeOf<ResponseOf<"GET", `/api/organizations/${string}`>>().toEqualTypeOf<Reply<OrganizationDetail>>();
    expectTypeOf<ResponseOf<"GET", `/api/organizations/${string}/members`>>().toEqualTypeOf<Paged<PublicMember>>();
    expectTypeOf<ResponseOf<"GET", "/api/organizations//members">>().toEqualTypeOf<Unmapped>();
    expectTypeOf<ResponseOf<"GET", `/api/organizations/${string}/members/x/y`>>().toEqualTypeOf<Unmapped>();
  });

  it("ignores the query string and tells methods apart", () => {
    expectTypeOf<ResponseOf<"GET", `/api/organizations/${string}/audit-logs?limit=2&cursor=${string}`>>().toEqualTypeOf<
      Paged<PublicAuditEntry>
    >();
    expectTypeOf<ResponseOf<"DELETE", `/api/organizations/${string}?force=true`>>().toEqualTypeOf<Reply<null>>();
    expectTypeOf<ResponseOf<"PATCH", "/api/organizations">>().toEqualTypeOf<Unmapped>();
  });

  it("falls back to Unmapped for unknown routes and for a method or path known only as string", () => {
    expectTypeOf<ResponseOf<"GET", `/api/organizations/${string}/widgets`>>().toEqualTypeOf<Unmapped>();
    expectTypeOf<ResponseOf<string, "/api/organizations">>().toEqualTypeOf<Unmapped>();
    expectTypeOf<ResponseOf<"GET", string>>().toEqualTypeOf<Unmapped>();
  });

  it("answers the Upstash shape under /redis/, a batch for /pipeline and /multi-exec", () => {
    expectTypeOf<ResponseOf<"POST", `/redis/${string}`>>().toEqualTypeOf<RestReply>();
    expectTypeOf<ResponseOf<"GET", `/redis/${string}/get/${string}`>>().toEqualTypeOf<RestReply>();
    expectTypeOf<ResponseOf<"POST", `/redis/${string}/pipeline`>>().toEqualTypeOf<RestBatch>();
    expectTypeOf<ResponseOf<"POST", `/redis/${string}/multi-exec`>>().toEqualTypeOf<RestBatch>();
  });
});
