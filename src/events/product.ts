/**
 * Events named in the product docs this project started from (/work/shared/seeds/, the
 * "Webhooks" guide of the Python SDK docs): `audio.generated`, `voice.cloned` and
 * `usage.threshold`. That guide only shows the one field each handler reads
 * (`data.audio_id`, `data.voice_id`, `data.threshold` printed as "<threshold>%"), so that field
 * is required and nothing else is declared. ElevenLabs' own webhook reference does not list
 * these types.
 */
import { Type, type Static } from '@sinclair/typebox'

/** `data` of an `audio.generated` event. */
export const AudioGeneratedData = Type.Object({
  audio_id: Type.String({ description: 'The generated audio' })
}, { title: 'audio.generated data', description: 'Audio generation is complete' })
export type AudioGeneratedData = Static<typeof AudioGeneratedData>

/** `data` of a `voice.cloned` event. */
export const VoiceClonedData = Type.Object({
  voice_id: Type.String({ description: 'The cloned voice' })
}, { title: 'voice.cloned data', description: 'A voice has been cloned' })
export type VoiceClonedData = Static<typeof VoiceClonedData>

/** `data` of a `usage.threshold` event. */
export const UsageThresholdData = Type.Object({
  threshold: Type.Number({ description: 'The usage threshold reached, as a percentage (80 means 80%)' })
}, { title: 'usage.threshold data', description: 'A usage threshold has been reached' })
export type UsageThresholdData = Static<typeof UsageThresholdData>
