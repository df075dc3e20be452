// The request to POST /v1/stylize and how its errors read.

/** An answer of the service that is not an image; its message is the problem's detail. */
export class ServiceProblem extends Error {}

/** Sends `form`; resolves with the image, rejects with a ServiceProblem, or an AbortError once `signal` aborts. */
export async function requestStylization(form, signal) {
  const response = await fetch("/v1/stylize", { method: "POST", body: form, signal });
  if (!response.ok) throw new ServiceProblem(await problemMessage(response));
  return response.blob();
}

// The service answers errors as problem+json; its detail says what to change.
async function problemMessage(response) {
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    try {
      const problem = await response.json();
      if (problem.detail) return `${problem.title || response.status}: ${problem.detail}`;
    } catch { /* not the JSON it claims: fall back on the status */ }
  }
  return `The service answered ${response.status} ${response.statusText}`;
}
