// A front-end's first steps with the client generated from
// openapi/openapi.json (openapi-typescript types, openapi-fetch calls):
// list centres by region, follow next_cursor, fetch one centre, generate a
// Markdown letter. Run by tests/api/typescript.rs against a real server:
//   node dist/use_client.js BASE_URL REGION
// Prints one JSON line with what it saw; throws (exit 1) on any error.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

// /v1/centres answers JSON or, when Accept asks for it, GeoJSON: the
// generated type is the union of both, so a client narrows it.
type CentreContent = paths["/v1/centres"]["get"]["responses"][200]["content"];
type CentreAnswer = CentreContent[keyof CentreContent];
type CentrePage = CentreContent["application/json"];
type CentreItem = CentrePage["items"][number];
const isJsonPage = (a: CentreAnswer): a is CentrePage => "items" in a;
type RegionCode = components["schemas"]["RegionCode"];

const [baseUrl, regionArg] = process.argv.slice(2);
if (!baseUrl || !regionArg) {
  throw new Error("usage: node dist/use_client.js BASE_URL REGION");
}
// The spec lists every ISO 3166-2 code; the server checks the value.
const region = regionArg as RegionCode;

const client = createClient<paths>({ baseUrl });

// Every centre in the region, two per page, following next_cursor.
const centres: CentreItem[] = [];
let cursor: string | undefined;
let pages = 0;
do {
  const { data, error, response } = await client.GET("/v1/centres", {
    params: { query: { region, limit: 2, cursor } },
  });
  if (error || !data) {
    throw new Error(`list failed: ${response.status} ${JSON.stringify(error)}`);
  }
  if (!isJsonPage(data)) {
    throw new Error(`expected the JSON list, got ${response.headers.get("content-type")}`);
  }
  centres.push(...data.items);
  cursor = data.next_cursor ?? undefined;
  pages += 1;
} while (cursor !== undefined && pages < 50);

const first = centres[0];
if (!first) {
  throw new Error(`no centres in ${region}`);
}

// One centre with its clinicians.
const { data: centre, error: centreError } = await client.GET("/v1/centres/{id}", {
  params: { path: { id: first.id } },
});
if (centreError || !centre) {
  throw new Error(`centre failed: ${JSON.stringify(centreError)}`);
}

// A second-opinion letter to it, as Markdown (fictional patient).
const { data: letter, error: letterError, response: letterResponse } = await client.POST(
  "/v1/documents/second-opinion",
  {
    params: { query: { format: "md" } },
    body: {
      patient: { name: "Testy McTestface (fictional)" },
      diagnosis: { subtype: "leiomyosarcoma", primary_site: "thigh" },
      target: { centre_id: centre.id },
    },
    parseAs: "text",
  },
);
if (letterError || typeof letter !== "string") {
  throw new Error(`letter failed: ${letterResponse.status} ${JSON.stringify(letterError)}`);
}

console.log(
  JSON.stringify({
    ids: centres.map((c) => c.id),
    pages,
    centre: { id: centre.id, name: centre.name, clinicians: centre.clinicians.length },
    letter: {
      contentType: letterResponse.headers.get("content-type"),
      cacheControl: letterResponse.headers.get("cache-control"),
      text: letter,
    },
  }),
);
