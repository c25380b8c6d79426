import { component, text } from '../hl7/message.js';
import { codingSystem } from './codes.js';
import type { LabRole } from './compiled-profile.js';
import type { ExtractContext } from './context.js';

/**
 * The watched role of an OBX-3: the primary triplet (1-3) or the alternate (4-6), by LOINC (or a
 * code without a system that is a watched LOINC), else through the profile's local codes.
 * `name` is the text of both triplets: a local "VEGF, plasma" names the specimen that the
 * alternate LOINC's "Serum or Plasma" does not.
 */
export function labRoleOf(obx3: string, ctx: ExtractContext): { role: LabRole; loinc: string; name: string } | null {
  const { d, profile } = ctx;
  const name = [2, 5].map((n) => text(component(obx3, n, d), d).trim()).filter((t) => t !== '').join(' / ');
  for (const offset of [0, 3]) {
    const code = component(obx3, 1 + offset, d).trim().toUpperCase();
    if (code === '') continue;
    const system = component(obx3, 3 + offset, d);
    const kind = codingSystem(system);
    if (kind === 'loinc' || kind === 'empty') {
      const role = profile.labRoles.get(code);
      if (role) return { role, loinc: code, name };
    }
    const local = profile.localCodes.get(`${system.trim().toUpperCase()}|${code}`) ?? profile.localCodes.get(`|${code}`);
    const localRole = local ? profile.labRoles.get(local) : undefined;
    if (local && localRole) return { role: localRole, loinc: local, name };
  }
  return null;
}
