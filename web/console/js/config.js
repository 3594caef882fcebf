// The deployment's settings, from config.json beside index.html (written by Terraform on AWS,
// served by `callrec console` offline). Read once per page load.

let loaded = null;

export async function config() {
  if (!loaded) {
    const response = await fetch("config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
    loaded = await response.json();
    for (const key of ["apiBaseUrl", "region", "userPoolId", "clientId"]) {
      if (!loaded[key]) throw new Error(`config.json has no ${key}`);
    }
  }
  return loaded;
}
