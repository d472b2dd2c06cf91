/**
 * BFDProfile (metallb.io/v1beta1) and the BGPPeer `bfdProfile` reference. Ranges and the missing-profile
 * rule follow MetalLB: api/v1beta1/bfdprofile_types.go (kubebuilder minimum/maximum) and
 * internal/config/config.go (bfdProfileFromCR, bfdIntFromConfig; peersFor returns a TransientError for a
 * peer "referencing non existing bfd profile": the config is not applied, the last good one stays).
 */
import type * as M from '../model/types.ts';
import type { Schema } from './schema.ts';
import { errorAt } from './errors.ts';

const ms = (min: number, max: number): Schema => ({ t: 'int', min, max, rangeCode: 'INVALID_BFD_PROFILE' });

export const bfdProfileSchema: Schema = {
  t: 'object',
  fields: {
    receiveInterval: ms(10, 60000),
    transmitInterval: ms(10, 60000),
    detectMultiplier: ms(2, 255),
    echoInterval: ms(10, 60000),
    echoMode: { t: 'bool' },
    passiveMode: { t: 'bool' },
    minimumTtl: ms(1, 254),
  },
};

type Obj = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The schema has checked types and ranges already. */
export function decodeBfdProfile(name: string, spec: Obj, src: M.Source): M.BFDProfile {
  const receiveInterval = num(spec.receiveInterval);
  const transmitInterval = num(spec.transmitInterval);
  const detectMultiplier = num(spec.detectMultiplier);
  const echoInterval = num(spec.echoInterval);
  const minimumTtl = num(spec.minimumTtl);
  return {
    name,
    ...(receiveInterval !== undefined ? { receiveInterval } : {}),
    ...(transmitInterval !== undefined ? { transmitInterval } : {}),
    ...(detectMultiplier !== undefined ? { detectMultiplier } : {}),
    ...(echoInterval !== undefined ? { echoInterval } : {}),
    echoMode: spec.echoMode === true,
    passiveMode: spec.passiveMode === true,
    ...(minimumTtl !== undefined ? { minimumTtl } : {}),
    src,
  };
}

/** Every BGPPeer `bfdProfile` must name a BFDProfile (BFD_PROFILE_NOT_FOUND otherwise). */
export function checkBfdProfileReferences(
  peers: readonly M.BGPPeer[],
  profiles: readonly M.BFDProfile[],
  errors: M.ValidationError[],
): void {
  const names = new Set(profiles.map((p) => p.name));
  for (const p of peers) {
    if (p.bfdProfile === undefined || names.has(p.bfdProfile)) continue;
    errors.push(
      errorAt(
        p.src,
        'BGPPeer',
        p.name,
        'spec.bfdProfile',
        'BFD_PROFILE_NOT_FOUND',
        `no BFDProfile named ${JSON.stringify(p.bfdProfile)}; defined profiles: ${[...names].sort().join(', ') || '(none)'}`,
      ),
    );
  }
}
