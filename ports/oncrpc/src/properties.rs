//! Properties over generated messages and streams: every message round-trips,
//! arbitrary bytes never panic and decode only if they re-encode identically,
//! and record marking reassembles any records from any cutting of the stream.

use crate::portmap::{CallArgs, CallResult, PmapList};
use crate::record::{RecordReader, encode_record};
use crate::{
    AuthFlavor, AuthStat, AuthSysParms, CallBody, MismatchInfo, OpaqueAuth, Payload, RejectedReply,
    ReplyBody, ReplyData, RpcMessage,
};
use proptest::collection::vec;
use proptest::prelude::{Just, Strategy, any, prop_oneof, proptest};
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use proptest::{prop_assert, prop_assert_eq};
use xdr::{Bounded, Opaque, Xdr};

fn payload() -> impl Strategy<Value = Payload> {
    vec(any::<u32>(), 0..6).prop_map(|words| {
        Payload(
            words
                .iter()
                .flat_map(|word| word.to_be_bytes())
                .collect::<Vec<u8>>()
                .into(),
        )
    })
}

fn auth_sys() -> impl Strategy<Value = AuthSysParms> {
    (
        any::<u32>(),
        "[a-z0-9.-]{0,20}",
        any::<u32>(),
        any::<u32>(),
        vec(any::<u32>(), 0..=16),
    )
        .prop_map(|(stamp, machinename, uid, gid, gids)| AuthSysParms {
            stamp,
            machinename: Bounded(machinename),
            uid,
            gid,
            gids: Bounded(gids),
        })
}

fn auth() -> impl Strategy<Value = OpaqueAuth> {
    prop_oneof![
        Just(OpaqueAuth::none()),
        auth_sys().prop_map(|parms| OpaqueAuth::sys(&parms).expect("within its maximums")),
        (any::<i32>(), vec(any::<u8>(), 0..=400)).prop_map(|(flavor, body)| OpaqueAuth {
            flavor: AuthFlavor(flavor),
            body: Bounded(Opaque::from(body)),
        }),
    ]
}

fn mismatch() -> impl Strategy<Value = MismatchInfo> {
    (any::<u32>(), any::<u32>()).prop_map(|(low, high)| MismatchInfo { low, high })
}

fn reply_body() -> impl Strategy<Value = ReplyBody> {
    let data = prop_oneof![
        payload().prop_map(ReplyData::Success),
        Just(ReplyData::ProgUnavail),
        mismatch().prop_map(ReplyData::ProgMismatch),
        Just(ReplyData::ProcUnavail),
        Just(ReplyData::GarbageArgs),
        Just(ReplyData::SystemErr),
    ];
    prop_oneof![
        (auth(), data)
            .prop_map(|(verf, data)| { ReplyBody::Accepted(crate::AcceptedReply { verf, data }) }),
        mismatch().prop_map(|info| ReplyBody::Denied(RejectedReply::RpcMismatch(info))),
        select(AuthStat::ALL).prop_map(ReplyBody::auth_error),
    ]
}

fn call_body() -> impl Strategy<Value = CallBody> {
    (any::<[u32; 4]>(), auth(), auth(), payload()).prop_map(
        |([rpcvers, prog, vers, procedure], cred, verf, args)| CallBody {
            rpcvers,
            prog,
            vers,
            procedure,
            cred,
            verf,
            args,
        },
    )
}

fn message() -> impl Strategy<Value = RpcMessage> {
    prop_oneof![
        (any::<u32>(), call_body()).prop_map(|(xid, call)| RpcMessage::call(xid, call)),
        (any::<u32>(), reply_body()).prop_map(|(xid, reply)| RpcMessage::reply(xid, reply)),
    ]
}

/// Whatever `T` accepts from `bytes` must re-encode to exactly `bytes`.
fn assert_canonical<T: Xdr + std::fmt::Debug>(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(value) = T::from_bytes(bytes) {
        let again = value
            .to_bytes()
            .map_err(|error| TestCaseError::fail(format!("{value:?} does not encode: {error}")))?;
        prop_assert_eq!(again.as_ref(), bytes, "{:?}", value);
    }
    Ok(())
}

/// Cuts `stream` at the given places (taken modulo its length, in order).
fn cut<'a>(stream: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts.iter().map(|cut| cut % (stream.len() + 1)).collect();
    at.sort_unstable();
    at.push(stream.len());
    let mut start = 0;
    at.into_iter()
        .map(|end| {
            let piece = &stream[start..end];
            start = end;
            piece
        })
        .collect()
}

proptest! {
    #[test]
    fn every_message_round_trips(message in message()) {
        let bytes = message.to_bytes().expect("a generated message is within its maximums");
        prop_assert_eq!(bytes.len() % 4, 0);
        prop_assert_eq!(RpcMessage::from_bytes(&bytes), Ok(message));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_what_decodes_re_encodes_identically(
        bytes in vec(any::<u8>(), 0..80)
    ) {
        assert_canonical::<RpcMessage>(&bytes)?;
        assert_canonical::<AuthSysParms>(&bytes)?;
        assert_canonical::<PmapList>(&bytes)?;
        assert_canonical::<CallArgs>(&bytes)?;
        assert_canonical::<CallResult>(&bytes)?;
    }

    #[test]
    fn arbitrary_words_after_a_valid_header_never_panic(
        head in select(vec![vec![0u32, 2], vec![1, 0], vec![1, 1]]), words in vec(0u32..20, 0..24)
    ) {
        let bytes: Vec<u8> =
            [vec![7], head, words].concat().iter().flat_map(|word| word.to_be_bytes()).collect();
        assert_canonical::<RpcMessage>(&bytes)?;
    }

    #[test]
    fn records_come_back_whole_however_the_stream_is_cut(
        records in vec(vec(any::<u8>(), 0..40), 1..5),
        fragment in 1u32..16,
        cuts in vec(any::<usize>(), 0..12),
    ) {
        let mut stream = Vec::new();
        for record in &records {
            stream.extend_from_slice(&encode_record(record, fragment).expect("a valid size"));
        }
        let mut reader = RecordReader::new(40);
        let mut read = Vec::new();
        for piece in cut(&stream, &cuts) {
            reader.feed(piece);
            while let Some(record) = reader.next_record().expect("within the maximum") {
                read.push(record.to_vec());
            }
        }
        prop_assert_eq!(read, records);
        prop_assert!(reader.is_between_records());
    }

    #[test]
    fn an_arbitrary_stream_never_panics_the_record_reader(
        stream in vec(any::<u8>(), 0..64), cuts in vec(any::<usize>(), 0..6)
    ) {
        let mut reader = RecordReader::new(16);
        for piece in cut(&stream, &cuts) {
            reader.feed(piece);
            while let Ok(Some(record)) = reader.next_record() {
                prop_assert!(record.len() <= 16);
            }
        }
    }
}
