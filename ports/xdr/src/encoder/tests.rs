//! What the encoder refuses: a length over its declared maximum.

use crate::{Bounded, Counted, Encoder, Error, Opaque, Xdr};

#[test]
fn encoding_a_length_over_the_maximum_is_an_error_and_writes_nothing() {
    let mut encoder = Encoder::new();
    encoder.int(7);
    assert_eq!(
        encoder.string("hello!", 5),
        Err(Error::LengthOverMaximum {
            offset: 4,
            counted: Counted::String,
            length: 6,
            maximum: 5
        })
    );
    assert_eq!(encoder.as_slice(), &[0, 0, 0, 7], "the buffer is as it was");
}

#[test]
fn bounded_values_over_their_maximum_do_not_encode() {
    assert!(matches!(
        Bounded::<String, 5>("hello!".into()).to_bytes(),
        Err(Error::LengthOverMaximum {
            counted: Counted::String,
            length: 6,
            maximum: 5,
            ..
        })
    ));
    assert!(matches!(
        Bounded::<Opaque, 400>(Opaque::from(vec![0; 401])).to_bytes(),
        Err(Error::LengthOverMaximum {
            counted: Counted::Opaque,
            length: 401,
            ..
        })
    ));
    assert!(matches!(
        Bounded::<Vec<u32>, 16>(vec![0; 17]).to_bytes(),
        Err(Error::LengthOverMaximum {
            counted: Counted::Array,
            length: 17,
            maximum: 16,
            ..
        })
    ));
    assert!(Bounded::<Vec<u32>, 16>(vec![0; 16]).to_bytes().is_ok());
}
