// The time zone the Archiving tab shows worker results in, chosen in the
// results' filters (results.jsx) and used by the report too (report.jsx):
// null for the browser's own, else {id, iana} of a zone GetTimeZones lists,
// remembered in localStorage.
import { useState } from "preact/hooks";
import { ZONE_STORAGE_KEY, parseZoneChoice } from "../../../profiles.js";

export function useZoneChoice() {
  const [zone, setZone] = useState(() => {
    try { return parseZoneChoice(localStorage.getItem(ZONE_STORAGE_KEY)); } catch { return null; }
  });
  const choose = (z) => {
    setZone(z);
    try {
      if (z) localStorage.setItem(ZONE_STORAGE_KEY, JSON.stringify(z));
      else localStorage.removeItem(ZONE_STORAGE_KEY);
    } catch { /* private mode: not remembered */ }
  };
  return [zone, choose];
}
