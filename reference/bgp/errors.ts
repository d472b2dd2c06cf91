import { CodedError } from '../../common/errors.ts';

/** RFC 4271 section 4.5 error codes. */
export const ErrorCode = {
  MessageHeader: 1,
  OpenMessage: 2,
  UpdateMessage: 3,
  HoldTimerExpired: 4,
  FsmError: 5,
  Cease: 6,
} as const;

export const HeaderSubcode = {
  ConnectionNotSynchronized: 1,
  BadMessageLength: 2,
  BadMessageType: 3,
} as const;
export const OpenSubcode = {
  UnsupportedVersion: 1,
  BadPeerAs: 2,
  BadBgpIdentifier: 3,
  UnsupportedOptionalParameter: 4,
  UnacceptableHoldTime: 6,
} as const;
export const UpdateSubcode = {
  MalformedAttributeList: 1,
  UnrecognizedWellKnown: 2,
  MissingWellKnown: 3,
  AttributeFlagsError: 4,
  AttributeLengthError: 5,
  InvalidOrigin: 6,
  InvalidNextHop: 8,
  OptionalAttributeError: 9,
  InvalidNetworkField: 10,
  MalformedAsPath: 11,
} as const;
export const CeaseSubcode = {
  AdministrativeShutdown: 2,
  PeerDeconfigured: 3,
  AdministrativeReset: 4,
  ConnectionCollision: 7,
} as const;

/** What RFC 7606 says to do with a malformed UPDATE. */
export type Rfc7606Action = 'session-reset' | 'treat-as-withdraw' | 'attribute-discard';

/**
 * A message that cannot be accepted. It carries the NOTIFICATION it maps to, and for UPDATE
 * attribute errors the RFC 7606 action (only 'session-reset' sends the NOTIFICATION).
 */
export class BgpDecodeError extends CodedError {
  constructor(
    message: string,
    readonly errorCode: number,
    readonly errorSubcode: number,
    readonly data: Buffer = Buffer.alloc(0),
    readonly action: Rfc7606Action = 'session-reset',
  ) {
    super('BGP_DECODE', message);
  }
}
