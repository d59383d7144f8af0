// Geo (coordinates and distances come back as text the SDK parses) and HyperLogLog.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

const PALERMO = { longitude: 13.361389, latitude: 38.115556, member: "Palermo" };
const CATANIA = { longitude: 15.087269, latitude: 37.502669, member: "Catania" };

export function geo(ctx: CompatContext) {
  it("GEOADD/GEODIST/GEOPOS/GEOHASH", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.geoadd(k("g"), PALERMO, CATANIA)).toBe(2);
    expect(await redis.geoadd(k("g"), { nx: true }, PALERMO)).toBe(0);
    expect(await redis.geodist(k("g"), "Palermo", "Catania")).toBe(166274.1516);
    expect(await redis.geodist(k("g"), "Palermo", "Catania", "KM")).toBe(166.2742);
    expect(await redis.geodist(k("g"), "Palermo", "Nowhere")).toBeNull();
    const positions = await redis.geopos(k("g"), "Palermo", "Nowhere", "Catania");
    expect(positions).toHaveLength(2);
    expect(positions[0]?.lng).toBeCloseTo(13.361389, 5);
    expect(positions[0]?.lat).toBeCloseTo(38.115556, 5);
    expect(positions[1]?.lng).toBeCloseTo(15.087269, 5);
    expect(positions[1]?.lat).toBeCloseTo(37.502669, 5);
    expect(await redis.geohash(k("g"), "Palermo", "Catania")).toEqual(["sqc8b49rny0", "sqdtr74hyu0"]);
  });

  it("GEOSEARCH by radius and box, with WITHDIST/WITHCOORD/WITHHASH, and GEOSEARCHSTORE", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.geoadd(k("g"), PALERMO, CATANIA);
    const center = { type: "FROMLONLAT" as const, coordinate: { lon: 15, lat: 37 } };
    expect(await redis.geosearch(k("g"), center, { type: "BYRADIUS", radius: 200, radiusType: "KM" }, "ASC")).toEqual([
      { member: "Catania" },
      { member: "Palermo" },
    ]);
    const detailed = await redis.geosearch(k("g"), center, { type: "BYRADIUS", radius: 200, radiusType: "KM" }, "DESC", {
      withDist: true,
      withCoord: true,
      withHash: true,
    });
    expect(detailed.map((r) => [r.member, r.dist, r.hash])).toEqual([
      ["Palermo", 190.4424, "3479099956230698"],
      ["Catania", 56.4413, "3479447370796909"],
    ]);
    expect(detailed[1]?.coord?.long).toBeCloseTo(15.087269, 5);
    expect(detailed[1]?.coord?.lat).toBeCloseTo(37.502669, 5);
    expect(
      await redis.geosearch(
        k("g"),
        { type: "FROMMEMBER", member: "Palermo" },
        { type: "BYBOX", rect: { width: 400, height: 400 }, rectType: "KM" },
        "ASC",
        {
          count: { limit: 1 },
        },
      ),
    ).toEqual([{ member: "Palermo" }]);
    expect(await redis.geosearchstore(k("dst"), k("g"), center, { type: "BYRADIUS", radius: 100, radiusType: "KM" }, "ASC")).toBe(1);
    expect(await redis.zrange(k("dst"), 0, -1)).toEqual(["Catania"]);
  });
}

export function hyperloglog(ctx: CompatContext) {
  it("PFADD/PFCOUNT/PFMERGE", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.pfadd(k("a"), "x", "y", "z", "x")).toBe(1);
    expect(await redis.pfadd(k("a"), "x")).toBe(0);
    expect(await redis.pfcount(k("a"))).toBe(3);
    expect(await redis.pfadd(k("b"), "z", "w", 1, 2)).toBe(1);
    expect(await redis.pfcount(k("a"), k("b"))).toBe(6);
    expect(await redis.pfmerge(k("m"), k("a"), k("b"))).toBe("OK");
    expect(await redis.pfcount(k("m"))).toBe(6);
    expect(await redis.pfcount(k("missing"))).toBe(0);
    expect(await redis.type(k("m"))).toBe("string");
  });
}
