/**
 * Voice Library notices for shared voices you use: `voice_removal_notice` (a shared voice is
 * scheduled to be removed), `voice_removal_notice_withdrawn` (no longer scheduled) and
 * `voice_removed` (removed, no longer usable).
 *
 * Sources: https://elevenlabs.io/docs/eleven-api/resources/webhooks lists the three event types
 * and what they mean, and the SDK has the workspace webhook event `voice_library_removal_notice`
 * (WorkspaceWebhookEventType), but neither documents the fields of `data`: the payload is not in
 * the OpenAPI spec or the SDK types. So nothing is required here. `voice_id` is typed (as a string,
 * if present) because every ElevenLabs API names a voice that way; it is not confirmed for these
 * events, which is why it stays optional: requiring an unconfirmed field could turn every real
 * notice away from its handler. For the same reason `data` itself may be missing or null: with no
 * documented payload, a notice that carries none must still reach its handler.
 */
import { Type, type Static, type TNull, type TObject, type TOptional, type TString, type TUndefined, type TUnion } from '@sinclair/typebox'

type VoiceNoticeSchema = TUnion<[TObject<{ voice_id: TOptional<TString> }>, TNull, TUndefined]>

function voiceNotice (title: string, description: string): VoiceNoticeSchema {
  return Type.Union([
    Type.Object({
      voice_id: Type.Optional(Type.String({ description: 'The shared voice concerned (field name not confirmed by the docs)' }))
    }, { title: `${title} (object)`, description: 'The notice\'s fields, when it has any' }),
    Type.Null({ description: 'No payload' }),
    Type.Undefined({ description: 'No `data` at all' })
  ], { title, description })
}

/** `data` of a `voice_removal_notice` event. */
export const VoiceRemovalNoticeData = voiceNotice('voice_removal_notice data',
  'A shared voice you use is scheduled to be removed from the Voice Library (payload fields undocumented)')
export type VoiceRemovalNoticeData = Static<typeof VoiceRemovalNoticeData>

/** `data` of a `voice_removal_notice_withdrawn` event. */
export const VoiceRemovalNoticeWithdrawnData = voiceNotice('voice_removal_notice_withdrawn data',
  'A shared voice you use is no longer scheduled for removal (payload fields undocumented)')
export type VoiceRemovalNoticeWithdrawnData = Static<typeof VoiceRemovalNoticeWithdrawnData>

/** `data` of a `voice_removed` event. */
export const VoiceRemovedData = voiceNotice('voice_removed data',
  'A shared voice you used has been removed and is no longer usable (payload fields undocumented)')
export type VoiceRemovedData = Static<typeof VoiceRemovedData>
