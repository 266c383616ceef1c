/** The router registry's refusal names the setting the controller really reads. */
import { describe, expect, it } from "vitest";
import { settingsFromEnv } from "../../src/controller/config.ts";
import { ROUTER_FACTORIES } from "../../src/controller/traffic/registry.ts";

describe("the haproxy router without an address", () => {
  it("names HAPROXY_ADDRESS, the variable the settings read", () => {
    expect(() => ROUTER_FACTORIES.haproxy({ cluster: {} as never })).toThrow(/set HAPROXY_ADDRESS \(/);
    const settings = settingsFromEnv({
      KUBE_API_SERVER: "http://127.0.0.1:1",
      PROMETHEUS_URL: "http://127.0.0.1:2",
      HAPROXY_ADDRESS: "127.0.0.1:9999",
    });
    expect(settings.haproxyAddress).toBe("127.0.0.1:9999");
  });
});
