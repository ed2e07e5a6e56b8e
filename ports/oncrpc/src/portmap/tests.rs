//! The portmapper's numbers and types on the wire (RFC 1833 §3).

use super::{
    CallArgs, IPPROTO_TCP, IPPROTO_UDP, Mapping, PMAP_PORT, PMAP_PROG, PMAP_VERS, PmapList,
    PmapProc,
};
use crate::{CallBody, Payload, ReplyBody, RpcMessage};
use xdr::{Opaque, Xdr};

fn words(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|word| word.to_be_bytes()).collect()
}

#[test]
fn the_portmapper_is_program_100000_version_2_on_port_111() {
    assert_eq!((PMAP_PROG, PMAP_VERS, PMAP_PORT), (100_000, 2, 111));
    assert_eq!((IPPROTO_TCP, IPPROTO_UDP), (6, 17));
}

#[test]
fn the_procedures_have_rfc_1833_s_numbers_and_names() {
    let numbered: Vec<(u32, &str)> = PmapProc::ALL
        .iter()
        .map(|p| (p.number(), p.name()))
        .collect();
    assert_eq!(
        numbered,
        [
            (0, "PMAPPROC_NULL"),
            (1, "PMAPPROC_SET"),
            (2, "PMAPPROC_UNSET"),
            (3, "PMAPPROC_GETPORT"),
            (4, "PMAPPROC_DUMP"),
            (5, "PMAPPROC_CALLIT"),
        ]
    );
    assert_eq!(PmapProc::from_number(3), Some(PmapProc::GetPort));
    assert_eq!(PmapProc::from_number(6), None);
}

#[test]
fn reference_case_46_getport_is_a_call_carrying_a_mapping_and_its_reply_a_port() {
    let wanted = Mapping {
        prog: 0x2000_0001,
        vers: 1,
        prot: IPPROTO_UDP,
        port: 0,
    };
    let args = Payload::marshal(&wanted).expect("encodes");
    let call = RpcMessage::call(
        42,
        CallBody::new(PMAP_PROG, PMAP_VERS, PmapProc::GetPort.number(), args),
    );
    // The call header, AUTH_NONE twice, then prog, vers, prot, port.
    let expected = words(&[42, 0, 2, 100_000, 2, 3, 0, 0, 0, 0, 0x2000_0001, 1, 17, 0]);
    assert_eq!(call.to_bytes().expect("encodes").as_ref(), expected);

    let reply = RpcMessage::reply(
        42,
        ReplyBody::success(Payload::marshal(&4000u32).expect("encodes")),
    );
    assert_eq!(
        reply.to_bytes().expect("encodes").as_ref(),
        words(&[42, 1, 0, 0, 0, 0, 4000])
    );
    // SET's and UNSET's results are a bool: TRUE.
    assert_eq!(
        Payload::marshal(&true).expect("encodes").as_slice(),
        [0, 0, 0, 1]
    );
}

#[test]
fn a_dump_is_a_chain_of_optional_mappings_ending_in_false() {
    assert_eq!(
        PmapList::default().to_bytes().expect("encodes").as_ref(),
        [0, 0, 0, 0]
    );
    let list = PmapList(vec![
        Mapping {
            prog: PMAP_PROG,
            vers: 2,
            prot: IPPROTO_TCP,
            port: 111,
        },
        Mapping {
            prog: PMAP_PROG,
            vers: 2,
            prot: IPPROTO_UDP,
            port: 111,
        },
    ]);
    let expected = words(&[1, 100_000, 2, 6, 111, 1, 100_000, 2, 17, 111, 0]);
    assert_eq!(list.to_bytes().expect("encodes").as_ref(), expected);
    assert_eq!(PmapList::from_bytes(&expected), Ok(list));
}

#[test]
fn a_long_dump_decodes_without_recursion() {
    let list = PmapList(vec![
        Mapping {
            prog: 1,
            vers: 1,
            prot: 6,
            port: 1
        };
        10_000
    ]);
    let bytes = list.to_bytes().expect("encodes");
    assert_eq!(PmapList::from_bytes(&bytes), Ok(list));
}

#[test]
fn callit_carries_the_relayed_call_s_arguments_as_counted_opaque() {
    let args = CallArgs {
        prog: 7,
        vers: 1,
        procedure: 2,
        args: Opaque::from(words(&[5])),
    };
    assert_eq!(
        args.to_bytes().expect("encodes").as_ref(),
        words(&[7, 1, 2, 4, 5])
    );
}
