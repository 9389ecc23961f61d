/**
 * Speech to Text webhooks: `speech_to_text_transcription`, sent when an asynchronous
 * transcription (`POST /v1/speech-to-text` with `webhook=true`) completes.
 *
 * Sources:
 * - https://elevenlabs.io/docs/eleven-api/guides/how-to/speech-to-text/batch/webhooks (the example
 *   payload: `request_id`, `webhook_metadata` "if provided in the convert request", `transcription`
 *   with `language_code`, `language_probability`, `text`, `words[]`; the page says the
 *   transcription is the same as the non-webhook API response);
 * - the official JS SDK, @elevenlabs/elevenlabs-js 2.73, wire types (`serialization/types/*.d.ts`):
 *   SpeechToTextChunkResponseModel, SpeechToTextWordResponseModel, SpeechToTextCharacterResponseModel,
 *   AdditionalFormatResponseModel, MultichannelSpeechToTextResponseModel; and
 *   SpeechToTextConvertRequestWebhookMetadata (`string | Record<string, unknown>`).
 *
 * Only `request_id` is required. The SDK marks `words[].logprob` as always present, but the
 * documented webhook example leaves it out, so every word field is optional.
 */
import { Type, type Static } from '@sinclair/typebox'
import { LooseObject, Nullable } from './common.js'

/** Timing of one character of a word. */
export const SpeechToTextCharacter = Type.Object({
  text: Type.Optional(Type.String({ description: 'The character' })),
  start: Type.Optional(Nullable(Type.Number({ description: 'Start time in seconds' }))),
  end: Type.Optional(Nullable(Type.Number({ description: 'End time in seconds' })))
}, { title: 'Speech to text character', description: 'A character and its timing (SDK: SpeechToTextCharacterResponseModel)' })

/** One word, spacing or audio event of a transcription. */
export const SpeechToTextWord = Type.Object({
  text: Type.Optional(Type.String({ description: 'The word, spacing or audio event text' })),
  start: Type.Optional(Nullable(Type.Number({ description: 'Start time in seconds' }))),
  end: Type.Optional(Nullable(Type.Number({ description: 'End time in seconds' }))),
  type: Type.Optional(Type.String({ description: 'known values: word, spacing, audio_event' })),
  speaker_id: Type.Optional(Nullable(Type.String({ description: 'Speaker, when diarization is on (e.g. "speaker_1")' }))),
  logprob: Type.Optional(Type.Number({ description: 'Log probability of the word, in [-Infinity, 0]' })),
  characters: Type.Optional(Nullable(Type.Array(SpeechToTextCharacter, { description: 'Characters of the word, with timing' }))),
  channel_index: Type.Optional(Nullable(Type.Number({ description: 'Audio channel (multichannel transcription)' })))
}, { title: 'Speech to text word', description: 'A word, spacing or audio event (SDK: SpeechToTextWordResponseModel)' })
export type SpeechToTextWord = Static<typeof SpeechToTextWord>

/** An extra export format requested with the transcription (SRT, DOCX…). */
export const SpeechToTextAdditionalFormat = Type.Object({
  requested_format: Type.Optional(Type.String({ description: 'The format requested' })),
  file_extension: Type.Optional(Type.String({ description: 'File extension of the content' })),
  content_type: Type.Optional(Type.String({ description: 'MIME type of the content' })),
  is_base64_encoded: Type.Optional(Type.Boolean({ description: 'Whether `content` is base64' })),
  content: Type.Optional(Type.String({ description: 'The formatted transcript' }))
}, { title: 'Additional format', description: 'An additional transcript format (SDK: AdditionalFormatResponseModel)' })

const chunkFields = {
  language_code: Type.Optional(Type.String({ description: 'Detected (or given) language code, e.g. "en"' })),
  language_probability: Type.Optional(Type.Number({ description: 'Confidence of the language detection, 0 to 1' })),
  text: Type.Optional(Type.String({ description: 'The full transcript text' })),
  words: Type.Optional(Type.Array(SpeechToTextWord, { description: 'Words, spacings and audio events with timing' })),
  channel_index: Type.Optional(Nullable(Type.Number({ description: 'Audio channel of this transcript (multichannel)' }))),
  additional_formats: Type.Optional(Nullable(Type.Array(Nullable(SpeechToTextAdditionalFormat), { description: 'Additional formats requested' }))),
  transcription_id: Type.Optional(Nullable(Type.String({ description: 'ID of the transcription' }))),
  entities: Type.Optional(Nullable(Type.Array(LooseObject({ description: 'A detected entity' }), { description: 'Detected entities, when requested' }))),
  audio_duration_secs: Type.Optional(Nullable(Type.Number({ description: 'Duration of the audio in seconds' }))),
  edited_transcript: Type.Optional(Nullable(LooseObject({ description: 'Edited transcript, or the error editing it' })))
}

/** The transcript of one audio channel. */
export const SpeechToTextChannelTranscript = Type.Object(chunkFields, {
  title: 'Speech to text channel transcript',
  description: 'The transcript of one channel (SDK: SpeechToTextChunkResponseModel)'
})

/** The transcription result, the same as the synchronous API returns. */
export const SpeechToTextTranscription = Type.Object({
  ...chunkFields,
  transcripts: Type.Optional(Nullable(Type.Array(SpeechToTextChannelTranscript, {
    description: 'One transcript per channel, when `use_multi_channel` was set (SDK: MultichannelSpeechToTextResponseModel)'
  })))
}, {
  title: 'Speech to text transcription',
  description: 'The transcription result (SDK: SpeechToTextChunkResponseModel, or MultichannelSpeechToTextResponseModel for multichannel audio)'
})
export type SpeechToTextTranscription = Static<typeof SpeechToTextTranscription>

/** `data` of a `speech_to_text_transcription` event. */
export const SpeechToTextTranscriptionData = Type.Object({
  request_id: Type.String({ description: 'The request ID returned when the transcription was requested' }),
  transcription: Type.Optional(Nullable(SpeechToTextTranscription)),
  webhook_metadata: Type.Optional(Nullable(Type.Union([
    LooseObject({ description: 'The metadata as an object' }),
    Type.String({ description: 'The metadata as a JSON string' })
  ], { description: 'The `webhook_metadata` passed with the transcription request, echoed back (if provided)' })))
}, {
  title: 'speech_to_text_transcription data',
  description: 'The result of an asynchronous Speech to Text transcription'
})
export type SpeechToTextTranscriptionData = Static<typeof SpeechToTextTranscriptionData>
